"""The incremental build engine: everything a build keeps, reuses, forks or patches to be fast.

`sitegen.build.build_site` reads as the pipeline (read, derive, view model, plan, make); each of
its stages asks an `Engine` (session.py) for what the last build left. The engine keeps the
build's state (store.py: in memory for the dev server, in the cache folder otherwise), tells when
nothing changed at all, reads only the paper files that changed (reading.py), derives again only
what their changes reach (derived.py), and makes the plan's outputs (making.py): each one's
inputs digest comes from what the plan says it reads (inputs.py), so no output's dependencies
are written anywhere else. parallel.py is its one way of using both cores, memory.py its policy
for the garbage collector.

Nothing is imported here, so that any module may use one part without loading the rest.
"""

"""What a new project starts from: the starter topic taxonomy (which `sitegen import` also gives a
new content folder) and the site.yaml template `sitegen new` fills in."""

from importlib import resources


def starter_text(name: str) -> str:
    """The starter file `name`, as text."""
    return resources.files(__name__).joinpath(name).read_text("utf-8")

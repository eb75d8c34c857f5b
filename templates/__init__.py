"""The default templates and static assets, packaged as `sitegen.templates`."""

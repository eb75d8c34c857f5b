"""What `sitegen import` puts in a new content folder: the starter topic taxonomy."""

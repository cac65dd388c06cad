"""Indexer: read, parse, chunk, embed and store Swedish meeting protocols."""

"""Stage 5: the index folder — vectors, keyword postings, tables, identifiers; written and loaded."""

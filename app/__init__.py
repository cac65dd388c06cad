"""App: retrieval, citations, command line and web UI of Protokollsök."""

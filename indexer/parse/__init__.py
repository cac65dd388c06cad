"""Stage 2: text → Protocol (header, participants, paragraphs, decisions), page furniture removed."""

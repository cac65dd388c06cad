"""Stage 1: a protocol file → its text (today plain text; PDF, DOCX and HTML readers arrive here)."""

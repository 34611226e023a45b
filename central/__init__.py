"""Eke's reference central sync server (design §5, §6): FastAPI over SQLite."""

"""Patient questions: matching free-text questions to answers."""

"""kg: build a knowledge graph from Chinese news and policy articles."""

"""Language data and the gazetteer of the extractor (read with importlib.resources)."""

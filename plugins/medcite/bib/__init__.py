"""The bibliography: BibTeX read with pybtex (keeping lines), resolved by key, DOI or PMID; author names."""

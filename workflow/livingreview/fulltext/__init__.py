"""Full-text retrieval and eligibility: sheets, decisions, studies vs reports."""

"""Risk-of-bias appraisal: per-study forms by design, read back and judged by livingreview.rob."""

"""统计: the figures of a street or district, their exports and filings."""

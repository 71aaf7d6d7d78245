"""复诊: return visits after a settlement."""

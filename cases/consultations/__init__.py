"""会诊: several professionals on one hard dispute."""

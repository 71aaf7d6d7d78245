"""登记 and 受理: registering disputes and advice, parties and consent, the first transitions."""

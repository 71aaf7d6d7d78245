"""常见问答: the answers a committee gives often, kept by its mediators and coordinators."""

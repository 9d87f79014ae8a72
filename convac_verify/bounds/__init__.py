"""Upper bounds on matricization ranks valid for all weights, each derived from the architecture."""

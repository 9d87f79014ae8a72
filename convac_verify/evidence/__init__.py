"""What a result proves: claims, evidence, statuses, observations and growth."""

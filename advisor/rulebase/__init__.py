"""Rule bases: schema, loading, validation."""

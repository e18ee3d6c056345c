"""`advisor derive`: a profile measured from a CRM or order export (columnar, with polars)."""

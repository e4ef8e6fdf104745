"""The clinic's records: clinics, staff, patients, journeys, their events and projections."""

"""All that reads, stores or writes data: config, store, ingest, exports, reports, services."""

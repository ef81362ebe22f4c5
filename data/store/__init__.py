"""The store: engine, schema, migrations, report packs and their caches, audit, accounts."""

"""The JSON API (/api/v1/): personal API tokens, webhooks, and the routes that serve workflow,
documents and search through their own services and selectors (config is the composition root)."""

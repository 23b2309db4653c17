"""The HTTP edge: Blueprints per actor, request/response models, errors as JSON."""

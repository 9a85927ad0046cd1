"""Mail: composing, sending, receiving, storing and reading replies."""

"""Mail: composing, sending, receiving, matching and classifying messages."""

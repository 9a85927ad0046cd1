"""Mail: composing, sending and (later) receiving messages."""

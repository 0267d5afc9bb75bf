"""Views: how results are drawn (terminal text, Markdown, the status page). Results hold
data; the functions here turn them into text."""

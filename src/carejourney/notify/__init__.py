"""Reminders, staff alerts, email with calendar invitations, and the outbox worker that sends them."""

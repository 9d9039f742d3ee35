"""Business events: a transactional outbox, an ordered feed, signed webhooks.

Every business event is one ``Event`` row written by ``event_record`` inside the
transaction of the change it describes, so it exists if and only if the change
committed. The feed (``GET /api/v1/events/``) and the webhook deliverer read the
rows in id order up to a horizon that no transaction still in flight can fall
below (``selectors.events_horizon``), so a consumer never skips an event.

This app sits at the ``margin_project`` layer: both ``accounts`` and ``risk`` write
events, and it imports neither (its foreign keys name their models by string).
"""

"""
Whether a live page is current, and what keeps answering that cheap: a camp's versions per
topic (`versions`), polls answered before Django (`polls`), values and fragments derived once
per version in each process (`memo`, `fragments`), rows kept in the shared cache (`rows`).

Nothing here imports an app: the apps declare their topics and what a live page reads with
them from their AppConfig.ready() (see events.apps).
"""

"""Input and output channels: REST (here), Telegram, WhatsApp, the web widget, mentor notices."""

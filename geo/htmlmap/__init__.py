"""The folium map of a day, self-contained and offline (for data.exports.map_html)."""

"""Geometry only, nothing stored: boundary files, web map data, report map, folium map."""

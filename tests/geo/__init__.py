"""Tests of geo/: boundary files, web map data, report map, folium map."""

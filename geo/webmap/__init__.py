"""The dashboard map's data: simplified polygons, daily level cells, names, offline Leaflet."""

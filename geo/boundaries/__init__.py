"""Boundary files read and checked: formats, CRS and reprojection, polygon repair."""

"""Periodic reports (báo cáo ngày, tuần, tháng): figures gathered, written as DOCX/PDF/XLSX."""

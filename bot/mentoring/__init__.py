"""The mentoring side: mentors, matching them to a mentee (framework-free)."""

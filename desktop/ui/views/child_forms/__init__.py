"""Forms of child health: visits and checks, vaccination doses, registration of a child
born elsewhere, and the case reports (neonatal death, birth defect)."""

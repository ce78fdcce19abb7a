"""Reference data: offices, departments, communes, units, I-VANs, forms, procedures, the calendar."""

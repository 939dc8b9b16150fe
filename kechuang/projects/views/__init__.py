"""Pages of plan projects, one module per record the user works with:

- ``calls``: calls (申报指南) with their criteria, form fields and review phases;
- ``applications``: applications — the project through its life (list, export, page, steps,
  the applicant's form);
- ``extensions``: extension requests of a running project;
- ``staff_portal`` / ``applicant_portal``: the bureau's queues with batch actions, and the
  applicant's own applications and open calls;
- ``assignments``: assigning experts to applications, per review phase;
- ``reviews``: the expert portal — their assignments, the review form, conflicts of interest;
- ``results``: the review results (scores) of a call;
- ``meetings``: acceptance meetings with their sessions, agenda and panel;
- ``common``: what the pages share: permission names, a step's messages, a list's export
  address and the Excel download.

The addresses are in ``urls.py``; the expert pool's pages are declared in ``record_types.py``."""

"""The programme committee: who reviews (the reviewer and area-chair pool, invitations,
volunteers), whom they may not review (conflicts), and what each one reviews (publications
and affinity, bids, demands, assignment, deadlines). What they write is `paperdesk.reviews`.
"""

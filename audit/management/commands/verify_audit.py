from django.core.management.base import BaseCommand, CommandError

from audit.chain import verify_chain
from audit.models import AuditChainHead, AuditEvent


class Command(BaseCommand):
    help = "Walk every office's audit hash chain and report the first broken link."

    def handle(self, *args, **options):
        heads = {head.chain: head for head in AuditChainHead.objects.all()}
        chains = {str(o) if o else "system" for o in AuditEvent.objects.values_list("office_id", flat=True).distinct()}
        broken = []
        total = 0
        for chain in sorted(chains | set(heads)):
            office_filter = {"office__isnull": True} if chain == "system" else {"office_id": int(chain)}
            events = AuditEvent.objects.filter(**office_filter).order_by("id").iterator(chunk_size=2000)
            counted = []

            def counting(iterable, sink=counted):
                for item in iterable:
                    sink.append(1)
                    yield item

            problem = verify_chain(chain, counting(events), heads.get(chain))
            total += len(counted)
            if problem:
                broken.append(problem)
        if broken:
            for problem in broken:
                self.stderr.write(f"BROKEN {problem}")
            raise CommandError(f"audit chain broken: {broken[0]}")
        self.stdout.write(f"audit chain OK: {total} events in {len(chains | set(heads))} chains")

"""Электронный дневник: wires the Blueprints; everything else lives in chalicelib/."""

from chalice.app import Chalice

from chalicelib.api import accounts, diary, family, operator, school_admin, school_life, school_system, service, teacher
from chalicelib.api import alerts as alert_routes
from chalicelib.api import messages as message_routes
from chalicelib.api.envelope import envelope
from chalicelib.api.gate import gate
from chalicelib.events.aggregates import aggregates
from chalicelib.events.alerts import alerts as alert_events
from chalicelib.events.applications import applications
from chalicelib.events.audit import audit
from chalicelib.events.outbox import outbox
from chalicelib.events.uploads import uploads

app = Chalice(app_name="ediary")
app.experimental_feature_flags.update(["BLUEPRINTS"])

app.register_blueprint(gate)
app.register_blueprint(envelope)
app.register_blueprint(service.bp)
app.register_blueprint(accounts.bp)
app.register_blueprint(operator.bp)
app.register_blueprint(school_admin.bp)
app.register_blueprint(family.bp)
app.register_blueprint(teacher.bp)
app.register_blueprint(school_system.bp)
app.register_blueprint(message_routes.bp)
app.register_blueprint(diary.bp)
app.register_blueprint(school_life.bp)
app.register_blueprint(outbox)
app.register_blueprint(applications)
app.register_blueprint(uploads)
app.register_blueprint(aggregates)
app.register_blueprint(alert_routes.bp)
app.register_blueprint(alert_events)
app.register_blueprint(audit)

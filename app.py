"""Электронный дневник: wires the Blueprints; everything else lives in chalicelib/."""

from chalice import Chalice

from chalicelib.api import accounts, family, operator, school_admin, school_system, service, teacher
from chalicelib.api.gate import gate
from chalicelib.events.applications import applications
from chalicelib.events.outbox import outbox
from chalicelib.events.uploads import uploads

app = Chalice(app_name="ediary")
app.experimental_feature_flags.update(["BLUEPRINTS"])

app.register_blueprint(gate)
app.register_blueprint(service.bp)
app.register_blueprint(accounts.bp)
app.register_blueprint(operator.bp)
app.register_blueprint(school_admin.bp)
app.register_blueprint(family.bp)
app.register_blueprint(teacher.bp)
app.register_blueprint(school_system.bp)
app.register_blueprint(outbox)
app.register_blueprint(applications)
app.register_blueprint(uploads)

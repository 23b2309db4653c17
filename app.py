"""Электронный дневник: wires the Blueprints; everything else lives in chalicelib/."""

from chalice import Chalice

from chalicelib.api import accounts, operator, school_admin, service
from chalicelib.api.gate import gate
from chalicelib.events.outbox import outbox

app = Chalice(app_name="ediary")
app.experimental_feature_flags.update(["BLUEPRINTS"])

app.register_blueprint(gate)
app.register_blueprint(service.bp)
app.register_blueprint(accounts.bp)
app.register_blueprint(operator.bp)
app.register_blueprint(school_admin.bp)
app.register_blueprint(outbox)

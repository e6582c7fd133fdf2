"""お弁当注文システム: the application factory."""

from flask import Flask

from config import BASE_DIR, Config, get_config


def create_app(config: Config | str | None = None) -> Flask:
    """Build the app from `config` (an object, or a name for `get_config`)."""
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    app.config.from_object(config if isinstance(config, Config) else get_config(config))
    register_logging(app)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_logging(app: Flask) -> None:
    from obento.logs import configure_logging

    configure_logging(app)


def register_extensions(app: Flask) -> None:
    from obento import models  # noqa: F401  (every table on the metadata)
    from obento.database import configure_database
    from obento.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "ログインしてください。"
    login_manager.login_message_category = "info"
    configure_database(app)
    if app.config.get("ARGON2_PARAMETERS"):
        from obento.services.passwords import configure_hasher

        configure_hasher(**app.config["ARGON2_PARAMETERS"])


def register_url_converters(app: Flask) -> None:
    from obento.routing import IdConverter

    # Every `<int:...>` in a route is an id: bounded here, before any rule is added.
    app.url_map.converters["int"] = IdConverter


def register_blueprints(app: Flask) -> None:
    from obento import account, admin, auth, company, health, ordering, shop

    for module in (auth, health, ordering, shop, company, admin, account):
        app.register_blueprint(module.bp)
    app.register_blueprint(ordering.quick_bp)


def register_errorhandlers(app: Flask) -> None:
    from obento.errors import register_errorhandlers as register

    register(app)


def register_security(app: Flask) -> None:
    from obento.security import register_security as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from obento import calendar
    from obento.clock import utcnow
    from obento.services.text import format_yen

    app.jinja_env.filters["jdate"] = calendar.format_date
    app.jinja_env.filters["jdatetime"] = calendar.format_datetime
    app.jinja_env.filters["yen"] = format_yen

    @app.context_processor
    def inject_today():
        return {"business_today": calendar.local_today(utcnow())}


def register_commands(app: Flask) -> None:
    from obento.cli import obento_cli

    app.cli.add_command(obento_cli)

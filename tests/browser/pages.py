"""A person at the browser: log in, open pages, fill and send forms, read what the page says.

Forms are found by where they post (stable), fields by their name; the test then reads the page
as a person would, in the language it pins (English, at /en/).
"""

import pathlib
import tempfile
import time

from selenium.common.exceptions import (
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import alert_is_present
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.factories import PASSWORD


class Person:
    def __init__(self, driver, base_url: str, language: str = "en"):
        self.driver = driver
        self.base_url = base_url
        self.prefix = "" if language == "vi" else f"/{language}"

    # --- navigation ---
    def open(self, path: str) -> None:
        self.driver.get(f"{self.base_url}{self.prefix}{path}")
        self._wait_loaded()
        if "/login/" in self.driver.current_url and path != "/login/":
            raise AssertionError(f"{path} sent the browser to the login page")

    def _wait_loaded(self) -> None:
        WebDriverWait(self.driver, 30).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )

    def log_in(self, user) -> None:
        def fill_login_form():
            self.driver.delete_all_cookies()
            self.open("/login/")
            self.driver.find_element(By.NAME, "username").send_keys(user.username)
            self.driver.find_element(By.NAME, "password").send_keys(PASSWORD)
            return self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]")

        self._click_and_wait(self._settled(fill_login_form))
        # Logged in once the page offers to log out (the session cookie is then set).
        WebDriverWait(self.driver, 30).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "header form[action$='/logout/']")
        )

    def _click_and_wait(self, button, answer=None) -> None:
        """Press a button and wait until the next page has replaced this one.

        The old page is marked with a script variable; the new document has none. (Waiting for
        an element of the old page to go stale raced Chrome's own bookkeeping of the replaced
        document, which then answered with an inspector error instead of "stale".)
        """
        self.driver.execute_script("window.dossierflowOldPage = true;")
        button.click()
        if answer is not None:
            answer()

        def replaced(driver):
            try:
                return driver.execute_script(
                    "return window.dossierflowOldPage === undefined"
                    " && document.readyState === 'complete';"
                )
            except WebDriverException:  # between two documents: not there yet
                return False

        WebDriverWait(self.driver, 30, poll_frequency=0.1).until(replaced)

    @property
    def path(self) -> str:
        url = self.driver.current_url[len(self.base_url) :]
        return url[len(self.prefix) :] if url.startswith(self.prefix + "/") else url

    # --- reading ---
    def text(self) -> str:
        return self._settled(lambda: self.driver.find_element(By.TAG_NAME, "main").text)

    def messages(self) -> str:
        def read():
            found = self.driver.find_elements(By.CSS_SELECTOR, "ul.messages")
            return found[0].text if found else ""

        return self._settled(read)

    def buttons(self) -> list[str]:
        return [b.text for b in self.driver.find_elements(By.CSS_SELECTOR, "main button")]

    def value_of(self, form, name: str) -> str:
        return self._settled(
            lambda: self.form(form).find_element(By.NAME, name).get_attribute("value")
        )

    # --- forms ---
    def form(self, posts_to: str):
        """The form whose action ends with `posts_to` (without the language prefix)."""
        for element in self.driver.find_elements(By.CSS_SELECTOR, "main form"):
            action = element.get_attribute("action") or self.driver.current_url
            if action.split("?")[0].endswith(posts_to):
                return element
        raise AssertionError(f"no form posting to {posts_to} on {self.driver.current_url}")

    def fill(self, form, **fields) -> None:
        for name, value in fields.items():
            element = form.find_element(By.NAME, name)
            tag = element.tag_name
            if element.get_attribute("type") == "checkbox":
                # True ticks every box of that name (a checklist), False leaves them all clear.
                for box in form.find_elements(By.NAME, name):
                    if box.is_selected() != bool(value):
                        box.click()
                continue
            if tag == "select":
                choice = Select(element)
                if choice.is_multiple:
                    choice.deselect_all()
                    for item in value:
                        choice.select_by_value(str(item))
                else:
                    choice.select_by_value(str(value))
            elif element.get_attribute("type") == "file":
                element.send_keys(str(value))
            elif element.get_attribute("type") == "date":
                self.driver.execute_script("arguments[0].value = arguments[1]", element, value)
            else:
                element.clear()
                element.send_keys(value)

    def _settled(self, find):
        """`find()` once the page has settled: a lookup that raced the page being replaced (a
        stale node) is tried again on the new page, a few times."""
        for attempt in range(5):
            try:
                return find()
            except (StaleElementReferenceException, WebDriverException) as error:
                stale = isinstance(error, StaleElementReferenceException) or (
                    "does not belong to the document" in str(error)
                )
                if not stale or attempt == 4:
                    raise
                time.sleep(0.3)
                self._wait_loaded()

    def send(self, posts_to: str, *, confirm: bool = True, **fields) -> None:
        """Fill the form and press its button; answer a confirmation question if one is asked."""

        def filled_form():
            form = self.form(posts_to)
            self.fill(form, **fields)
            return form

        form = self._settled(filled_form)
        button = form.find_element(By.CSS_SELECTOR, "button[type=submit], button:not([type])")
        self.last_question = None

        def answer():
            try:
                alert = WebDriverWait(self.driver, 0.5).until(alert_is_present())
            except TimeoutException:  # no question asked
                return
            self.last_question = alert.text
            alert.accept() if confirm else alert.dismiss()

        if confirm:
            self._click_and_wait(button, answer)
        else:
            button.click()
            answer()


def docx_file(content: bytes, name: str = "ke-hoach.docx") -> pathlib.Path:
    folder = pathlib.Path(tempfile.mkdtemp(prefix="dossierflow-upload-"))
    path = folder / name
    path.write_bytes(content)
    return path
